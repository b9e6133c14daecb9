"""The measure pipeline: writing values, SPC results and what is shown or hidden, in one place."""
