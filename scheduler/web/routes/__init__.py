"""The page areas: login, planner pages, people, swaps, officer pages, the control room."""
