"""The default-risk model: a PySpark notebook (default_model.py) and the tested modules it imports."""
