"""The Django app that holds the dashboard's models the client side writes: here only Tasks."""
