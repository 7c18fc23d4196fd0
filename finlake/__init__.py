"""finlake: a retail-banking medallion pipeline that runs on one laptop and on AWS."""

__version__ = "0.1.0"
