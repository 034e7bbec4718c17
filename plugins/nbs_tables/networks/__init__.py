"""PyTorch networks for the cells of the spaces this plugin defines (one builder per space)."""
