# Glue Data Catalog: the bronze, silver, gold and reference databases, and the bronze tables over
# the Parquet the ingestion job writes. Bronze tables use partition projection on extract_date, so
# new days are queryable the moment they are written: no crawler, no MSCK REPAIR, no
# GetPartitions calls. Silver, gold and reference (dbt seeds) tables are created by dbt
# (Iceberg) in their databases.
#
# Write-audit-publish (models/README.md): dbt builds silver, gold and reference into one of two
# slot databases per layer, `<database>__blue` and `<database>__green`, and the layer's own
# database holds only views over the slot of the last build whose every test passed. The slot
# databases live in the same zone of the lake as their layer.

locals {
  # Athena and Glue database names: lowercase, underscores only.
  database_prefix = replace(var.context.name_prefix, "-", "_")
  layers          = ["bronze", "silver", "gold", "reference"]
  database_names  = { for layer in local.layers : layer => "${local.database_prefix}_${layer}" }

  # The lake zone each database's tables live in: reference data (dbt seeds) is conformed,
  # silver-zone data that gold models join in.
  database_zones = {
    bronze    = "bronze"
    silver    = "silver"
    gold      = "gold"
    reference = "silver"
  }

  # The layers dbt builds (macros/publish/), each in two slots: the slot database's name is
  # the layer's with `__<slot>` (macros/schema/generate_schema_name.sql builds the same name).
  published_layers    = ["silver", "gold", "reference"]
  publication_slots   = ["blue", "green"]
  slot_database_names = { for pair in setproduct(local.published_layers, local.publication_slots) : "${pair[0]}__${pair[1]}" => "${local.database_names[pair[0]]}__${pair[1]}" }

  bronze_uri = "s3://${var.lake.bucket_name}/bronze"

  parquet = {
    input_format          = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format         = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
  }

  # Partition projection on extract_date: a date from var.projection_start_date up to today.
  extract_date_projection = {
    "projection.extract_date.type"          = "date"
    "projection.extract_date.format"        = "yyyy-MM-dd"
    "projection.extract_date.range"         = "${var.projection_start_date},NOW"
    "projection.extract_date.interval"      = "1"
    "projection.extract_date.interval.unit" = "DAYS"
  }

  extract_date_partition_key = { name = "extract_date", type = "date", comment = "Extract (business) date from the landed file name." }

  # Every bronze table, by name, is one aws_glue_catalog_table.bronze below; what differs between
  # them is here. An entity table has its columns from contract.tf (rendered from the landing
  # contract by `finlake contract render`), then the load metadata, partitioned by a projected
  # extract_date; _malformed and _load_log are the ingestion job's own tables.
  bronze_entity_tables = {
    for entity, columns in local.bronze_entity_columns : entity => {
      description    = "Bronze ${entity}: one row per landed line that parsed; every landing-contract column as a string, plus load metadata. Partitioned by extract_date (projected)."
      partition_keys = [local.extract_date_partition_key]
      parameters = merge(local.extract_date_projection, {
        "projection.enabled"        = "true"
        "storage.location.template" = "${local.bronze_uri}/${entity}/extract_date=$${extract_date}/"
      })
      columns       = concat(columns, local.bronze_load_columns)
      pii_parameter = true
    }
  }
  bronze_ingestion_tables = {
    _malformed = {
      description = "Lines of every entity that could not be parsed, with the reason; nothing landed is dropped. Partitioned by entity and extract_date (projected)."
      partition_keys = [
        { name = "entity", type = "string", comment = "Entity the line was delivered for." },
        local.extract_date_partition_key,
      ]
      parameters = merge(local.extract_date_projection, {
        "projection.enabled"        = "true"
        "projection.entity.type"    = "enum"
        "projection.entity.values"  = join(",", sort(keys(local.bronze_entity_columns)))
        "storage.location.template" = "${local.bronze_uri}/_malformed/$${entity}/extract_date=$${extract_date}/"
      })
      columns       = local.bronze_malformed_columns
      pii_parameter = true
    }
    _load_log = {
      description    = "The ingestion load ledger: one row per landed file and attempt. Not partitioned."
      partition_keys = []
      parameters     = {}
      columns        = local.bronze_load_log_columns
      pii_parameter  = false
    }
  }
  bronze_tables = merge(local.bronze_entity_tables, local.bronze_ingestion_tables)
}

resource "aws_glue_catalog_database" "this" {
  for_each = local.database_names

  name         = each.value
  description  = "finlake ${each.key} layer (${var.context.name_prefix})."
  location_uri = "s3://${var.lake.bucket_name}/${local.database_zones[each.key]}/"
}

# The write-audit-publish slots (keys like gold__blue): where dbt builds, audits, then publishes.
resource "aws_glue_catalog_database" "slot" {
  for_each = local.slot_database_names

  name         = each.value
  description  = "finlake ${split("__", each.key)[0]} layer, write-audit-publish slot ${split("__", each.key)[1]} (${var.context.name_prefix}): dbt builds here; consumers read the views in ${local.database_names[split("__", each.key)[0]]}."
  location_uri = "s3://${var.lake.bucket_name}/${local.database_zones[split("__", each.key)[0]]}/"
}

# ---------------------------------------------------------------------------------------------
# Bronze tables
# ---------------------------------------------------------------------------------------------

resource "aws_glue_catalog_table" "bronze" {
  for_each = local.bronze_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this["bronze"].name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge({
    "EXTERNAL"       = "TRUE"
    "classification" = "parquet"
  }, each.value.parameters)

  dynamic "partition_keys" {
    for_each = each.value.partition_keys

    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = partition_keys.value.comment
    }
  }

  storage_descriptor {
    location      = "${local.bronze_uri}/${each.key}/"
    input_format  = local.parquet.input_format
    output_format = local.parquet.output_format

    ser_de_info {
      name                  = "parquet"
      serialization_library = local.parquet.serialization_library

      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns

      content {
        name       = columns.value.name
        type       = columns.value.type
        comment    = columns.value.comment
        parameters = each.value.pii_parameter ? { "finlake.pii" = tostring(columns.value.pii) } : null
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Optional: a crawler that registers bronze partitions for engines without partition projection
# ---------------------------------------------------------------------------------------------

resource "aws_glue_crawler" "this" {
  count = var.enable_crawler ? 1 : 0

  name                   = "${var.context.name_prefix}-bronze-partitions"
  description            = "Registers new bronze partitions in the Terraform-managed tables; never changes their schema."
  role                   = var.crawler_role_arn
  database_name          = aws_glue_catalog_database.this["bronze"].name
  schedule               = var.crawler_schedule
  security_configuration = var.security_configuration_name

  # Crawl the tables defined above rather than S3 paths: the crawler only adds partitions and
  # logs (never applies) schema differences, so Terraform stays the owner of every schema.
  catalog_target {
    database_name = aws_glue_catalog_database.this["bronze"].name
    tables        = [for table in concat(keys(local.bronze_entity_columns), ["_malformed"]) : aws_glue_catalog_table.bronze[table].name]
  }

  schema_change_policy {
    delete_behavior = "LOG"
    update_behavior = "LOG"
  }

  recrawl_policy {
    recrawl_behavior = "CRAWL_EVERYTHING"
  }

  configuration = jsonencode({
    Version = 1
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  lifecycle {
    precondition {
      condition     = var.crawler_role_arn != null
      error_message = "enable_crawler is true but crawler_role_arn is null; create the crawler role (access_roles with enable_crawler = true) and pass its ARN."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Data Catalog encryption (account- and region-wide setting)
# ---------------------------------------------------------------------------------------------

resource "aws_glue_data_catalog_encryption_settings" "this" {
  count = var.encrypt_data_catalog ? 1 : 0

  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = var.lake.kms_key_arn
      return_connection_password_encrypted = true
    }

    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = var.lake.kms_key_arn
    }
  }
}
