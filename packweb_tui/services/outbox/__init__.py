"""The outbox: queued emails (credentials letters, rejections, digests) and their sender.

Import from the module that holds what you need:
- `delivery`: `deliver_outbox`, a run of the sender (its guarantees in its docstring): what is
  due, or also what waits for a later try, of every establishment or of one;
- `report`: what a run did, and its French summary;
- `settings`: the `[smtp]` section checked;
- `smtp`: the SMTP connection and its French error wording (no store);
- `records`: the outbox's rows as the sender reads and writes them;
- `render`: the letters' PDFs rendered ahead, in worker processes;
- `views`: the outbox as `outbox list` shows it, and an establishment's as the console does;
- `scope`: which emails are an establishment's."""
