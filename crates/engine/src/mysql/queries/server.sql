-- Which server and database this is: MariaDB and MySQL print catalog text differently.
SELECT VERSION() AS version, DATABASE() AS database_name
