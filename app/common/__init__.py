"""Pieces every module uses: errors, state machines, money, time, pagination."""
