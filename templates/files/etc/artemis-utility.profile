# Environment of every command other than run (producer, consumer, data, stop, ...). Sourced by
# bin/artemis, which exports these variables to the artemis executable.
ARTEMIS_HOME='${artemis.home}'
ARTEMIS_INSTANCE='@artemis.instance@'
ARTEMIS_DATA_DIR='${artemis.instance.data}'
ARTEMIS_ETC='${artemis.instance.etc}'
