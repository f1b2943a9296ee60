"""What the office settled that the worker cannot: unmatched names, double submissions, doubtful cells. Pure.

A decision belongs to the content of the row it was made for (its fingerprint), never to a row number:
sorting, inserted rows and the worker's own rewrites change nothing; an edited or deleted row turns it
into ``needs_review``. Decisions come from the worker's own decisions tab (``tab``) or from
``aggregator decide`` (kept in the history); ``apply`` turns them into the cycle's matches, pins and
confirmed values.
"""
