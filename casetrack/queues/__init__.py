"""Work queues, reminders and notifications (SPEC §13)."""
