"""The operator's decisions on account requests, one use case a module: `approve` (accounts,
initial passwords, letters), `reject` (the requester is told by email), `host_choice`
(attaching or detaching a request's host by hand) and `review` (one request approved with the
host the operator picked, the rest rejected each with its kind's reason). `selection` reads
the requests they decide, and holds the SQL twin of the rule of which requests may be
approved."""
