db_password = "hunter2-Kx4Vb
