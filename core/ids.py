"""Row ids as the database holds them."""

# The largest id a row can have (a signed 64-bit integer): anything larger in a filter or a
# path names no row, and would overflow the database's integer before it could say so.
MAX_ID = 2**63 - 1
