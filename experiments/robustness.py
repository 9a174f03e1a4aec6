def run_robustness(*a, **k): raise NotImplementedError
def load_robustness(*a, **k): raise NotImplementedError
def print_robustness(*a, **k): raise NotImplementedError
