"""Writes for groups, sessions, attendance and notes. Import from the submodule that owns the entity."""
