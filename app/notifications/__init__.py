"""In-app notifications, and e-mail sent only after the step is committed."""
