db_port = Hunter2Port
