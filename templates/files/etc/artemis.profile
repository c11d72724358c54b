# Environment of the broker process (bin/artemis run). Sourced by bin/artemis, which exports
# these variables to the artemis executable. The values were fixed when the instance was created.
ARTEMIS_HOME='${artemis.home}'
ARTEMIS_INSTANCE='@artemis.instance@'
ARTEMIS_DATA_DIR='${artemis.instance.data}'
ARTEMIS_ETC='${artemis.instance.etc}'
ARTEMIS_OOME_DUMP='${artemis.instance.oome.dump}'

# The broker is a native program: there is no JVM, so JAVA_ARGS, JAVA_HOME and the -X memory
# options of Java-based profiles are not read. The memory hint given to create is kept here for
# reference only.
# ARTEMIS_MEMORY='${java-memory}'
