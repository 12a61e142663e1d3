import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Tests never reach the internet: online translation engines are refused (127.0.0.1 is allowed).
os.environ["TRANSFLOW_OFFLINE"] = "1"
