# IAM roles, least privilege. Each role reaches only its zones (S3 prefixes of the lake bucket),
# its Glue databases, its own Athena workgroup and results prefix, and the lake key:
#
#   role            S3 read                               S3 write                           Glue         Athena
#   delivery        (list landing/)                       landing/ (put only)                -            -         (optional)
#   ingestion       landing/ bronze/ scripts/ingestion/   bronze/ .finlake.lock              bronze       -
#   transformation  bronze/ silver/ gold/                 silver/ gold/ .finlake.lock        all four,    dbt workgroup
#                                                                                            slots too
#   ml              gold/ ml/                             ml/ gold/customer_default_scores/  gold         -
#                                                         gold/model_monitoring/
#   analyst         gold/                                 -                                  gold (read)  analyst workgroup
#   crawler         bronze/                               -                                  bronze       -         (optional)
#
# A role that reads gold reads its write-audit-publish slot databases too (`<gold>__blue`,
# `__green`): gold's published views are run with the caller's rights.
# tests/terraform/test_access.py parses this file and fails if a statement reaches further.

locals {
  role_names = {
    delivery       = "${var.context.name_prefix}-delivery"
    ingestion      = "${var.context.name_prefix}-ingestion"
    transformation = "${var.context.name_prefix}-transformation"
    ml             = "${var.context.name_prefix}-ml"
    analyst        = "${var.context.name_prefix}-analyst"
    crawler        = "${var.context.name_prefix}-crawler"
  }

  glue_arn_prefix  = "arn:${var.context.partition}:glue:${var.context.region}:${var.context.account_id}"
  glue_catalog_arn = "${local.glue_arn_prefix}:catalog"
  # formatlist() formats of a database's ARN and of its tables' ARNs, from the database's name.
  glue_database_arn_format = "${local.glue_arn_prefix}:database/%s"
  glue_tables_arn_format   = "${local.glue_arn_prefix}:table/%s/*"
  athena_data_catalog_arn  = "arn:${var.context.partition}:athena:${var.context.region}:${var.context.account_id}:datacatalog/AwsDataCatalog"
  log_group_arn_prefix     = "arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:log-group:"

  # People and tools may use the lake key only through S3 (SSE-KMS objects) and Glue (encrypted
  # catalog), never to encrypt or decrypt arbitrary data directly.
  kms_via_services = ["s3.${var.context.region}.amazonaws.com", "glue.${var.context.region}.amazonaws.com"]

  # The lake columns of the matrix above, as data: the zones each role lists, the keys it reads,
  # the keys it reads and writes. Each kind of grant is one document below (list_lake_zones,
  # read_lake_keys, write_lake_keys) with an instance per role, which the role's policy includes.
  lake_zones_listed = {
    delivery       = ["landing"] # `aws s3 sync` compares against what is already there
    ingestion      = ["landing", "bronze"]
    transformation = ["bronze", "silver", "gold"]
    ml             = ["gold", "ml"]
    analyst        = ["gold"]
    crawler        = ["bronze"]
  }
  lake_keys_read = {
    ingestion      = ["landing/*", "scripts/ingestion/*"]
    transformation = ["bronze/*"]
    ml             = ["gold/*"]
    analyst        = ["gold/*"]
    crawler        = ["bronze/*"]
  }
  lake_keys_written = {
    ingestion      = ["bronze/*"] # its ledger (bronze/_load_log) and the bronze partitions
    transformation = ["silver/*", "gold/*"]
    ml             = ["ml/*", "gold/customer_default_scores/*", "gold/model_monitoring/*"]
  }

  s3_object_write = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
  # Using the lake key for data: every role that reads or writes the lake's encrypted objects.
  kms_use_key = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]

  # Each layer's Glue databases: its own and, but for bronze, its two write-audit-publish slots.
  # dbt builds a layer into a slot database, then re-points the views of the layer's database at
  # it (macros/publish/); Athena runs a view with its caller's rights, so reading gold's
  # published views reads the tables of the slot they point at.
  layer_databases = {
    bronze    = [var.database_names.bronze]
    silver    = [var.database_names.silver, var.slot_database_names.silver__blue, var.slot_database_names.silver__green]
    gold      = [var.database_names.gold, var.slot_database_names.gold__blue, var.slot_database_names.gold__green]
    reference = [var.database_names.reference, var.slot_database_names.reference__blue, var.slot_database_names.reference__green]
  }

  glue_read = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
  ]
  glue_partition_write = [
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
  ]
  glue_table_write = [
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:BatchDeleteTable",
    "glue:GetTableVersion",
    "glue:GetTableVersions",
    "glue:DeleteTableVersion",
    "glue:BatchDeleteTableVersion",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
  ]

  # Grants on whole layers of the catalog (the catalog, the layers' databases and their tables),
  # by statement id: one document below, an instance per grant, which the roles' policies include.
  layer_catalog_grants = {
    ReadBronzeCatalog = { databases = local.layer_databases.bronze, actions = local.glue_read }
    # The Glue job and the crawler register bronze's partitions.
    RegisterBronzePartitions = {
      databases = local.layer_databases.bronze
      actions   = concat(local.glue_read, local.glue_partition_write)
    }
    ReadGoldCatalog = { databases = local.layer_databases.gold, actions = local.glue_read }
    # dbt builds silver and gold, and loads its seeds into reference (each into its slots).
    ManageSilverGoldAndReferenceCatalog = {
      databases = concat(local.layer_databases.silver, local.layer_databases.gold, local.layer_databases.reference)
      actions   = concat(["glue:CreateDatabase"], local.glue_read, local.glue_partition_write, local.glue_table_write)
    }
  }

  athena_query = [
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
    "athena:GetQueryExecution",
    "athena:BatchGetQueryExecution",
    "athena:ListQueryExecutions",
    "athena:GetQueryResults",
    "athena:GetQueryResultsStream",
    "athena:GetWorkGroup",
  ]
  athena_catalog_read = [
    "athena:GetDataCatalog",
    "athena:GetDatabase",
    "athena:ListDatabases",
    "athena:GetTableMetadata",
    "athena:ListTableMetadata",
  ]
}

# ---------------------------------------------------------------------------------------------
# Trust policies
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "glue_trust" {
  statement {
    sid     = "GlueServiceInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }
  }
}

# The roles people and tools (not AWS services) assume: each trusts only the principals listed
# for it (var.role_principals).
data "aws_iam_policy_document" "principals_trust" {
  for_each = var.role_principals

  statement {
    sid     = "ListedPrincipals"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = each.value
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Statement groups several roles share, each written once and included by the roles' documents
# (source_policy_documents): the lake key through S3 and Glue, the lake's lease, the Athena data
# catalog, the grants on whole layers of the Glue catalog (local.layer_catalog_grants) and on the
# lake's zones (local.lake_zones_listed, lake_keys_read, lake_keys_written).
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "use_lake_key" {
  statement {
    sid = "UseLakeKeyThroughS3AndGlue"
    # Encrypt as well: the encrypted Data Catalog encrypts each object a role creates or updates
    # (the crawler: each partition it adds) with the lake key on its behalf
    # (tests/athena_run/test_catalog_encryption.py).
    actions   = local.kms_use_key
    resources = [var.lake.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.kms_via_services
    }
  }
}

data "aws_iam_policy_document" "lake_lease" {
  statement {
    # The lake's lease (finlake/lease.py, s3_lake_lease): one writing run at a time per lake,
    # taken and kept by conditional writes to this one object, deleted at the end.
    sid       = "HoldTheLakeLease"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.lake.bucket_arn}/.finlake.lock"]
  }
}

data "aws_iam_policy_document" "athena_catalog" {
  statement {
    sid       = "ReadAthenaCatalog"
    actions   = local.athena_catalog_read
    resources = [local.athena_data_catalog_arn]
  }

  statement {
    # Athena requires these on the catalog and the `default` database in every policy that
    # limits Glue access to named databases; CreateDatabase on `default` cannot create another.
    sid     = "AthenaDefaultDatabase"
    actions = ["glue:GetDatabase", "glue:CreateDatabase"]
    resources = [
      local.glue_catalog_arn,
      "${local.glue_arn_prefix}:database/default",
    ]
  }
}

data "aws_iam_policy_document" "layer_catalog" {
  for_each = local.layer_catalog_grants

  statement {
    sid     = each.key
    actions = each.value.actions
    resources = concat(
      [local.glue_catalog_arn],
      formatlist(local.glue_database_arn_format, each.value.databases),
      formatlist(local.glue_tables_arn_format, each.value.databases),
    )
  }
}

# The lake's zones, one document per kind of grant and an instance per role (the locals above).
# Listing is allowed only with an s3:prefix condition on the role's zones, never the whole bucket.
data "aws_iam_policy_document" "list_lake_zones" {
  for_each = local.lake_zones_listed

  statement {
    sid       = "LocateLakeBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.lake.bucket_arn]
  }

  statement {
    sid       = "ListLakeZones"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = concat(each.value, formatlist("%s/*", each.value))
    }
  }
}

data "aws_iam_policy_document" "read_lake_keys" {
  for_each = local.lake_keys_read

  statement {
    sid       = "ReadLakeKeys"
    actions   = ["s3:GetObject"]
    resources = formatlist("${var.lake.bucket_arn}/%s", each.value)
  }
}

data "aws_iam_policy_document" "write_lake_keys" {
  for_each = local.lake_keys_written

  statement {
    sid       = "ListLakeMultipartUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.lake.bucket_arn]
  }

  statement {
    sid       = "ReadWriteLakeKeys"
    actions   = concat(["s3:GetObject"], local.s3_object_write)
    resources = formatlist("${var.lake.bucket_arn}/%s", each.value)
  }
}

# ---------------------------------------------------------------------------------------------
# Delivery (optional): the core-banking export puts extracts under landing/. Nothing else.
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "delivery" {
  source_policy_documents = [data.aws_iam_policy_document.list_lake_zones["delivery"].json]

  statement {
    # Put only: a delivery can add or replace an extract, never read one back or delete it.
    sid       = "PutExtracts"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.lake.bucket_arn}/landing/*"]
  }

  statement {
    # Multipart uploads (large extracts) need Decrypt as well as GenerateDataKey; without
    # s3:GetObject the role still cannot read an object back.
    sid       = "EncryptWithLakeKeyThroughS3"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]
    resources = [var.lake.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.context.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "delivery" {
  count = length(var.role_principals.delivery) > 0 ? 1 : 0

  name                 = local.role_names.delivery
  description          = "finlake extract delivery: puts files under landing/ only."
  assume_role_policy   = data.aws_iam_policy_document.principals_trust["delivery"].json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "delivery" {
  count = length(var.role_principals.delivery) > 0 ? 1 : 0

  name   = "lake-access"
  role   = aws_iam_role.delivery[0].id
  policy = data.aws_iam_policy_document.delivery.json
}

# ---------------------------------------------------------------------------------------------
# Ingestion: the Glue job. Reads landing/, writes bronze/.
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ingestion" {
  source_policy_documents = [
    data.aws_iam_policy_document.lake_lease.json,
    data.aws_iam_policy_document.layer_catalog["RegisterBronzePartitions"].json,
    data.aws_iam_policy_document.list_lake_zones["ingestion"].json,
    data.aws_iam_policy_document.read_lake_keys["ingestion"].json,
    data.aws_iam_policy_document.write_lake_keys["ingestion"].json,
  ]

  statement {
    # Client-side encryption of bookmarks (CSE-KMS) calls KMS directly, so no kms:ViaService.
    sid       = "UseLakeKey"
    actions   = local.kms_use_key
    resources = [var.lake.kms_key_arn]
  }

  statement {
    # Glue names the encrypted log groups after the security configuration and this role.
    sid = "WriteJobLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:AssociateKmsKey",
    ]
    resources = [
      "${local.log_group_arn_prefix}/aws-glue/jobs/${var.glue_security_configuration_name}-role/${local.role_names.ingestion}/*",
      "${local.log_group_arn_prefix}/aws-glue/jobs/logs-v2-${var.glue_security_configuration_name}:*",
    ]
  }

  statement {
    # cloudwatch:PutMetricData has no resource-level permissions: the API demands Resource "*".
    # The condition limits it to the Glue namespace (--enable-metrics).
    sid       = "PublishJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }
}

resource "aws_iam_role" "ingestion" {
  name                 = local.role_names.ingestion
  description          = "finlake ingestion Glue job: reads landing/, writes bronze/."
  assume_role_policy   = data.aws_iam_policy_document.glue_trust.json
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "ingestion" {
  name   = "lake-access"
  role   = aws_iam_role.ingestion.id
  policy = data.aws_iam_policy_document.ingestion.json
}

# ---------------------------------------------------------------------------------------------
# Transformation: dbt on Athena. Reads bronze, writes silver and gold.
# ---------------------------------------------------------------------------------------------

# Querying in a workgroup, one definition for each workgroup's users: the transformation role
# (dbt's workgroup) and the analyst role (the analyst workgroup) below, the scheduled Iceberg
# maintenance (dbt's statements in dbt's workgroup) and the alerting Lambda (the rules in the
# analyst workgroup), through the outputs dbt_workgroup_query_policy_json and
# analyst_workgroup_query_policy_json. Athena writes each query's results, encrypted with the
# lake key, under the workgroup's own prefix of the results bucket.
data "aws_iam_policy_document" "workgroup_query" {
  for_each                = var.query_workgroups
  source_policy_documents = [data.aws_iam_policy_document.use_lake_key.json]

  statement {
    sid       = "QueryInWorkgroup"
    actions   = local.athena_query
    resources = [each.value.arn]
  }

  statement {
    sid       = "LocateBuckets"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.lake.bucket_arn, var.lake.results_bucket_arn]
  }

  statement {
    sid       = "ListOwnQueryResults"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.results_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [each.value.results_prefix, "${each.value.results_prefix}*"]
    }
  }

  statement {
    sid       = "ReadWriteOwnQueryResults"
    actions   = concat(["s3:GetObject"], local.s3_object_write)
    resources = ["${var.lake.results_bucket_arn}/${each.value.results_prefix}*"]
  }
}

data "aws_iam_policy_document" "transformation" {
  source_policy_documents = [
    data.aws_iam_policy_document.workgroup_query["transformation"].json,
    data.aws_iam_policy_document.athena_catalog.json,
    data.aws_iam_policy_document.lake_lease.json,
    data.aws_iam_policy_document.layer_catalog["ReadBronzeCatalog"].json,
    data.aws_iam_policy_document.layer_catalog["ManageSilverGoldAndReferenceCatalog"].json,
    data.aws_iam_policy_document.list_lake_zones["transformation"].json,
    data.aws_iam_policy_document.read_lake_keys["transformation"].json,
    data.aws_iam_policy_document.write_lake_keys["transformation"].json,
  ]

  statement {
    # Listing databases (dbt's schema discovery) needs the catalog and every database ARN; it
    # returns names and descriptions only, never table data.
    sid     = "ListDatabases"
    actions = ["glue:GetDatabases"]
    resources = [
      local.glue_catalog_arn,
      "${local.glue_arn_prefix}:database/*",
    ]
  }


  statement {
    # The results bucket's; the lake's come with write_lake_keys.
    sid       = "ListResultsMultipartUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.lake.results_bucket_arn]
  }
}

resource "aws_iam_role" "transformation" {
  name                 = local.role_names.transformation
  description          = "finlake dbt (target prod) on Athena: reads bronze, builds silver and gold."
  assume_role_policy   = data.aws_iam_policy_document.principals_trust["transformation"].json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "transformation" {
  name   = "lake-access"
  role   = aws_iam_role.transformation.id
  policy = data.aws_iam_policy_document.transformation.json
}

# ---------------------------------------------------------------------------------------------
# ML: the default-model notebook. Reads gold, writes ml/, the scores table and the monitoring
# table beside it (ml/publish_scores.py commits both to their Iceberg tables in Glue).
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ml" {
  source_policy_documents = [
    data.aws_iam_policy_document.layer_catalog["ReadGoldCatalog"].json,
    data.aws_iam_policy_document.use_lake_key.json,
    data.aws_iam_policy_document.list_lake_zones["ml"].json,
    data.aws_iam_policy_document.read_lake_keys["ml"].json,
    data.aws_iam_policy_document.write_lake_keys["ml"].json,
  ]

  statement {
    sid     = "ManageScoresTable"
    actions = concat(local.glue_partition_write, local.glue_table_write)
    resources = [
      local.glue_catalog_arn,
      "${local.glue_arn_prefix}:database/${var.database_names.gold}",
      "${local.glue_arn_prefix}:table/${var.database_names.gold}/customer_default_scores",
      "${local.glue_arn_prefix}:table/${var.database_names.gold}/model_monitoring",
    ]
  }

}

resource "aws_iam_role" "ml" {
  name                 = local.role_names.ml
  description          = "finlake default-model notebook: reads gold, writes ml/ and gold.customer_default_scores."
  assume_role_policy   = data.aws_iam_policy_document.principals_trust["ml"].json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "ml" {
  name   = "lake-access"
  role   = aws_iam_role.ml.id
  policy = data.aws_iam_policy_document.ml.json
}

# ---------------------------------------------------------------------------------------------
# Analyst: reads gold through the analyst workgroup. Nothing else.
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "analyst" {
  source_policy_documents = [
    data.aws_iam_policy_document.workgroup_query["analyst"].json,
    data.aws_iam_policy_document.athena_catalog.json,
    data.aws_iam_policy_document.layer_catalog["ReadGoldCatalog"].json,
    data.aws_iam_policy_document.list_lake_zones["analyst"].json,
    data.aws_iam_policy_document.read_lake_keys["analyst"].json,
  ]

  statement {
    # The Athena console's workgroup, catalog and engine pickers call these list APIs, which
    # have no resource-level permissions: the API demands Resource "*". They return names only.
    sid       = "AthenaConsoleLists"
    actions   = ["athena:ListWorkGroups", "athena:ListDataCatalogs", "athena:ListEngineVersions"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "analyst" {
  name                 = local.role_names.analyst
  description          = "finlake analysts: read gold through the analyst Athena workgroup."
  assume_role_policy   = data.aws_iam_policy_document.principals_trust["analyst"].json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "analyst" {
  name   = "lake-access"
  role   = aws_iam_role.analyst.id
  policy = data.aws_iam_policy_document.analyst.json
}

# ---------------------------------------------------------------------------------------------
# Crawler (optional): registers bronze partitions. Reads bronze only.
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "crawler" {
  source_policy_documents = [
    data.aws_iam_policy_document.layer_catalog["RegisterBronzePartitions"].json,
    data.aws_iam_policy_document.use_lake_key.json,
    data.aws_iam_policy_document.list_lake_zones["crawler"].json,
    data.aws_iam_policy_document.read_lake_keys["crawler"].json,
  ]

  statement {
    # Crawler log groups are named by Glue (/aws-glue/crawlers, or a security-configuration
    # variant of it); scoped to that family.
    sid = "WriteCrawlerLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:AssociateKmsKey",
    ]
    resources = ["${local.log_group_arn_prefix}/aws-glue/crawlers*"]
  }
}

resource "aws_iam_role" "crawler" {
  count = var.enable_crawler ? 1 : 0

  name                 = local.role_names.crawler
  description          = "finlake bronze partition crawler: reads bronze/, registers partitions."
  assume_role_policy   = data.aws_iam_policy_document.glue_trust.json
  permissions_boundary = var.context.permissions_boundary_arn
}

resource "aws_iam_role_policy" "crawler" {
  count = var.enable_crawler ? 1 : 0

  name   = "lake-access"
  role   = aws_iam_role.crawler[0].id
  policy = data.aws_iam_policy_document.crawler.json
}
