# Learning records are managed through the app's own pages, which apply moderation; nothing in the admin.
