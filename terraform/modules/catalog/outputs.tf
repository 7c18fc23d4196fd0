# The database names every other module takes (access_roles, iceberg_maintenance, alerting, the
# root's dbt environment), the layers' and their slots', checked once, here, where they are made.
output "database_names" {
  description = "Glue database name of each layer, keyed bronze, silver, gold and reference (for example finlake_prod_silver)."
  value       = { for layer, database in aws_glue_catalog_database.this : layer => database.name }

  precondition {
    condition     = alltrue([for name in concat(values(local.database_names), values(local.slot_database_names)) : can(regex("^[a-z0-9_]{1,255}$", name))])
    error_message = "Each database name, of a layer or of a write-audit-publish slot, must be lowercase letters, digits and underscores (Athena's rule)."
  }
}

output "slot_database_names" {
  description = "Glue database name of each write-audit-publish slot, keyed <layer>__<slot> for silver, gold and reference and the slots blue and green (for example gold__blue = finlake_prod_gold__blue); checked with database_names."
  value       = { for key, database in aws_glue_catalog_database.slot : key => database.name }
}

output "bronze_table_names" {
  description = "Names of the bronze tables: one per landing entity, plus _malformed and _load_log."
  value       = [for table in concat(keys(local.bronze_entity_columns), ["_malformed", "_load_log"]) : aws_glue_catalog_table.bronze[table].name]
}

output "crawler_name" {
  description = "Name of the bronze partition crawler, or null when enable_crawler is false."
  value       = one(aws_glue_crawler.this[*].name)
}
