"""What clerks send the committee: spreadsheets, the hearing packet PDF, the speaker list and the
bundle, made in the request or in the background, and the history of every export."""
