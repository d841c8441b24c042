"""The bottom app: what every other app uses and that imports none of them — task-run
tracking and health, the task metrics, the default periodic tasks each app declares,
and the mirror of the UCCX directory that the admin forms offer ids from."""
