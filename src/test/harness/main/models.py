"""The dashboard's Jobs and Tasks tables, as far as client scripts touch them. The tables
belong to MCPServer's database (managed = False: never created or migrated from here);
column names and types follow Archivematica's model."""

import uuid

from django.db import models


class Job(models.Model):
    """A workflow step of one unit; each Task belongs to one."""

    jobuuid = models.CharField(
        max_length=36, primary_key=True, default=uuid.uuid4, db_column="jobUUID"
    )
    jobtype = models.CharField(max_length=250, db_column="jobType", blank=True)
    createdtime = models.DateTimeField(db_column="createdTime")
    createdtimedec = models.DecimalField(
        db_column="createdTimeDec", max_digits=26, decimal_places=10, default=0
    )
    directory = models.TextField(blank=True)
    sipuuid = models.CharField(max_length=36, db_column="SIPUUID")
    unittype = models.CharField(max_length=50, db_column="unitType", blank=True)
    currentstep = models.IntegerField(db_column="currentStep", default=0)
    microservicegroup = models.CharField(
        max_length=50, db_column="microserviceGroup", blank=True
    )
    hidden = models.BooleanField(default=False)
    microservicechainlink = models.CharField(
        max_length=36, db_column="MicroServiceChainLinksPK", null=True, blank=True
    )
    subjobof = models.CharField(max_length=36, db_column="subJobOf", blank=True)

    class Meta:
        db_table = "Jobs"
        managed = False


class Task(models.Model):
    """One command of a batch. fileName, arguments, stdOut and stdError are binary columns
    in the database (file names need not be UTF-8); Django reads them as text fields."""

    taskuuid = models.CharField(
        max_length=36, primary_key=True, default=uuid.uuid4, db_column="taskUUID"
    )
    job = models.ForeignKey(
        Job, db_column="jobuuid", to_field="jobuuid", on_delete=models.CASCADE
    )
    createdtime = models.DateTimeField(db_column="createdTime")
    fileuuid = models.CharField(max_length=36, db_column="fileUUID", null=True, blank=True)
    filename = models.TextField(db_column="fileName", blank=True)
    execution = models.CharField(max_length=250, db_column="exec", blank=True)
    arguments = models.CharField(max_length=1000, blank=True)
    starttime = models.DateTimeField(db_column="startTime", null=True, default=None)
    endtime = models.DateTimeField(db_column="endTime", null=True, default=None)
    client = models.CharField(max_length=50, blank=True)
    stdout = models.TextField(db_column="stdOut", blank=True)
    stderror = models.TextField(db_column="stdError", blank=True)
    exitcode = models.BigIntegerField(db_column="exitCode", null=True, blank=True)

    class Meta:
        db_table = "Tasks"
        managed = False
