"""The finlake dashboard (Streamlit): figures.py defines every figure, app.py draws them,
serve.py serves them; see README.md."""
