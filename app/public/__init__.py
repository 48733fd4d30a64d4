"""The public record: the list of hearings and each hearing's page with its published testimony.

Above moderation in the layers (it shows what moderators published); nothing imports it.
"""
