-- The entity store's tables, as connectors' EntityStoreSchema spells them (a test keeps the two equal),
-- and the privileges Debezium's MariaDB connector needs to read the binlog as a replica.
USE holdfast;
CREATE TABLE IF NOT EXISTS revisions (entity_id VARCHAR(128) NOT NULL, revision BIGINT NOT NULL, content_hash VARCHAR(100) NOT NULL, object_key VARCHAR(512) NOT NULL, size_bytes BIGINT NOT NULL, created_at DATETIME(3) NOT NULL, PRIMARY KEY (entity_id, revision));
CREATE TABLE IF NOT EXISTS entity_heads (entity_id VARCHAR(128) NOT NULL PRIMARY KEY, head_revision BIGINT NOT NULL, updated_at DATETIME(3) NOT NULL);
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'holdfast'@'%';
FLUSH PRIVILEGES;
