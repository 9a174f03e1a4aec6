"""Browser pages (Solara): the trainer demo and the strategy explorer."""
