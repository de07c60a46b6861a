"""Revisions: every editorial save of an article, player or trophy, kept whole.

A leaf package (like `pagecache`): the content apps record their own snapshots through
`record()` from their service functions and restore them through their own services, so this
package imports none of them.
"""
