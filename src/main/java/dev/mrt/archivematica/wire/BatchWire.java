package dev.mrt.archivematica.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A job payload as MCPServer sends it (JSON from 1.17, the same dicts pickled before):
 *
 * <pre>{@code
 * {"tasks":{"8022802f-...":{"uuid":"8022802f-...","createdDate":"2024-08-04T21:34:35.241750+00:00",
 *   "arguments":"-d \"%sharedPath%\"","wants_output":true}}}
 * }</pre>
 *
 * @param tasks task UUID to task, in MCPServer's order (Jackson fills a LinkedHashMap)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchWire(Map<String, TaskWire> tasks) {}
