"""The statutory clock: pure deadline arithmetic (`rules`), the UK working-day calendar
(`workdays`), and their use on the register (`duedates`).

Nothing is imported here, so `foikit deadline` loads only the modules it needs.
"""
