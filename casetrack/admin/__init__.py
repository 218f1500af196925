"""Administration: users, forces, departments. Never case content."""
