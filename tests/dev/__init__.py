"""Tests for scaffold dev: the command, its server and the playground page in a real browser."""
