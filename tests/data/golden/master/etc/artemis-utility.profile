# Environment of every command other than run (producer, consumer, data, stop, ...). Sourced by
# bin/artemis, which exports these variables to the artemis executable.
ARTEMIS_HOME='@HOME@'
ARTEMIS_INSTANCE='@INSTANCE@'
ARTEMIS_DATA_DIR='@INSTANCE@/data'
ARTEMIS_ETC='@INSTANCE@/etc'
