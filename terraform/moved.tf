# Where deployed stacks' resources moved when the layout changed: one moved block per object
# whose address changed, so that the next apply renames it in the state instead of destroying
# and recreating it (the lake bucket and every object in it among them). The history of this
# stack, kept in one place; the modules themselves hold none. Remove a block only once every
# deployed environment has applied past it.

# The two workgroup module calls became one, for_each over the workgroups.
moved {
  from = module.dbt_workgroup
  to   = module.workgroup["dbt"]
}

moved {
  from = module.analyst_workgroup
  to   = module.workgroup["analyst"]
}

# lake_storage: the buckets were resources of the module before modules/secure_bucket.
moved {
  from = module.lake_storage.aws_s3_bucket.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket.this
}

moved {
  from = module.lake_storage.aws_s3_bucket.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket.this
}

moved {
  from = module.lake_storage.aws_s3_bucket.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_ownership_controls.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_ownership_controls.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_ownership_controls.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_ownership_controls.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_ownership_controls.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_ownership_controls.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_public_access_block.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_public_access_block.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_public_access_block.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_public_access_block.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_public_access_block.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_public_access_block.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_versioning.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_versioning.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_versioning.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_versioning.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_versioning.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_versioning.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_server_side_encryption_configuration.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_server_side_encryption_configuration.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_server_side_encryption_configuration.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_policy.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_policy.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_policy.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_policy.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_policy.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_policy.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_lifecycle_configuration.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_lifecycle_configuration.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_lifecycle_configuration.access_logs
  to   = module.lake_storage.module.access_logs.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = module.lake_storage.aws_s3_bucket_logging.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_logging.this[0]
}

moved {
  from = module.lake_storage.aws_s3_bucket_logging.athena_results
  to   = module.lake_storage.module.athena_results.aws_s3_bucket_logging.this[0]
}

moved {
  from = module.lake_storage.aws_s3_bucket_notification.lake
  to   = module.lake_storage.module.lake.aws_s3_bucket_notification.this[0]
}

# catalog: the three bronze table blocks (entity tables, _malformed, _load_log) became one, aws_glue_catalog_table.bronze.
moved {
  from = module.catalog.aws_glue_catalog_table.entity
  to   = module.catalog.aws_glue_catalog_table.bronze
}

moved {
  from = module.catalog.aws_glue_catalog_table.malformed
  to   = module.catalog.aws_glue_catalog_table.bronze["_malformed"]
}

moved {
  from = module.catalog.aws_glue_catalog_table.load_log
  to   = module.catalog.aws_glue_catalog_table.bronze["_load_log"]
}

# alerting: the Lambda's role moved into modules/service_role.
moved {
  from = module.alerting.aws_iam_role.this
  to   = module.alerting.module.role.aws_iam_role.this
}

moved {
  from = module.alerting.aws_iam_role_policy.this
  to   = module.alerting.module.role.aws_iam_role_policy.this
}

# daily_run: the state machine, its log group, roles and schedule moved into modules/state_machine and modules/service_role.
moved {
  from = module.daily_run.aws_iam_role.build
  to   = module.daily_run.module.build_role.aws_iam_role.this
}

moved {
  from = module.daily_run.aws_iam_role_policy.build
  to   = module.daily_run.module.build_role.aws_iam_role_policy.this
}

moved {
  from = module.daily_run.aws_cloudwatch_log_group.this
  to   = module.daily_run.module.state_machine.aws_cloudwatch_log_group.this
}

moved {
  from = module.daily_run.aws_sfn_state_machine.this
  to   = module.daily_run.module.state_machine.aws_sfn_state_machine.this
}

moved {
  from = module.daily_run.aws_iam_role.state_machine
  to   = module.daily_run.module.state_machine.module.role.aws_iam_role.this
}

moved {
  from = module.daily_run.aws_iam_role_policy.state_machine
  to   = module.daily_run.module.state_machine.module.role.aws_iam_role_policy.this
}

moved {
  from = module.daily_run.aws_cloudwatch_event_rule.this
  to   = module.daily_run.module.state_machine.aws_cloudwatch_event_rule.this
}

moved {
  from = module.daily_run.aws_cloudwatch_event_target.this
  to   = module.daily_run.module.state_machine.aws_cloudwatch_event_target.this
}

moved {
  from = module.daily_run.aws_iam_role.schedule
  to   = module.daily_run.module.state_machine.module.schedule_role[0].aws_iam_role.this
}

moved {
  from = module.daily_run.aws_iam_role_policy.schedule
  to   = module.daily_run.module.state_machine.module.schedule_role[0].aws_iam_role_policy.this
}

# iceberg_maintenance: the state machine, its log group, roles and schedule moved into modules/state_machine.
moved {
  from = module.iceberg_maintenance.aws_cloudwatch_log_group.this
  to   = module.iceberg_maintenance.module.state_machine.aws_cloudwatch_log_group.this
}

moved {
  from = module.iceberg_maintenance.aws_sfn_state_machine.this
  to   = module.iceberg_maintenance.module.state_machine.aws_sfn_state_machine.this
}

moved {
  from = module.iceberg_maintenance.aws_iam_role.state_machine
  to   = module.iceberg_maintenance.module.state_machine.module.role.aws_iam_role.this
}

moved {
  from = module.iceberg_maintenance.aws_iam_role_policy.state_machine
  to   = module.iceberg_maintenance.module.state_machine.module.role.aws_iam_role_policy.this
}

moved {
  from = module.iceberg_maintenance.aws_cloudwatch_event_rule.this
  to   = module.iceberg_maintenance.module.state_machine.aws_cloudwatch_event_rule.this[0]
}

moved {
  from = module.iceberg_maintenance.aws_cloudwatch_event_target.this
  to   = module.iceberg_maintenance.module.state_machine.aws_cloudwatch_event_target.this[0]
}

moved {
  from = module.iceberg_maintenance.aws_iam_role.schedule
  to   = module.iceberg_maintenance.module.state_machine.module.schedule_role[0].aws_iam_role.this
}

moved {
  from = module.iceberg_maintenance.aws_iam_role_policy.schedule
  to   = module.iceberg_maintenance.module.state_machine.module.schedule_role[0].aws_iam_role_policy.this
}
