"""Graph neural network building blocks shared by the first-party GNN predictors.

Torch and torch-geometric are imported only by the modules that need them (``cell_graphs``,
``layers``, ``training``), so registering the predictors stays cheap.
"""
