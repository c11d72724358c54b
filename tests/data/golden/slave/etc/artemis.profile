# Environment of the broker process (bin/artemis run). Sourced by bin/artemis, which exports
# these variables to the artemis executable. The values were fixed when the instance was created.
ARTEMIS_HOME='@HOME@'
ARTEMIS_INSTANCE='@INSTANCE@'
ARTEMIS_DATA_DIR='@INSTANCE@/data'
ARTEMIS_ETC='@INSTANCE@/etc'
ARTEMIS_OOME_DUMP='@INSTANCE@/log/oom_dump.hprof'

# The broker is a native program: there is no JVM, so JAVA_ARGS, JAVA_HOME and the -X memory
# options of Java-based profiles are not read. The memory hint given to create is kept here for
# reference only.
# ARTEMIS_MEMORY='2G'
