"""Agents: behaviour rules (pure functions) and the Mesa agent handles over array state."""
