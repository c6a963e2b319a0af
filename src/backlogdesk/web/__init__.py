"""The weekly review web page: the meeting's agenda, with owners recorded in place."""
