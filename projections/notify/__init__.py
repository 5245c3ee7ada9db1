"""The notifier: a follower of the log that decides, from events, which emails a
partner opted into, and keeps them in an outbox for the sender (services/mail)."""
