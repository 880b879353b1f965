"""The shipped pytest plugin, tested as users meet it: its fixtures as it defines them."""
