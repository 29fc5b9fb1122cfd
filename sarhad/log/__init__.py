"""The node's transparency log: RFC 9162 Merkle tree (:mod:`.merkle`), C2SP signed notes (:mod:`.note`),
checkpoints (:mod:`.checkpoint`) and cosignatures (:mod:`.cosignature`), canonical envelopes
(:mod:`.envelope`), the persistent log in the database (:mod:`.store`, tables in :mod:`.schema`) and its
audit (:mod:`.verify`). See docs/transparency-log.md.
"""
