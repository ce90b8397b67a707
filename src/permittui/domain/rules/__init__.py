"""What the regime says about a request, computed from the schedule and the register."""
