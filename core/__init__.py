"""Small pieces every app of the product uses; nothing here knows about contacts or forums."""
