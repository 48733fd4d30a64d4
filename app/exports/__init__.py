"""What clerks send the committee: spreadsheets of a hearing's testimony, and their history."""
