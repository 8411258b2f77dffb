"""The government's calendar of working days: cuti bersama per year, kept by the admin."""
