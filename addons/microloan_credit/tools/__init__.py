from . import attachments
