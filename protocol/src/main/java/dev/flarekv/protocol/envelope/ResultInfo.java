package dev.flarekv.protocol.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The envelope's {@code result_info}. Every field is optional; absent ({@code null}) fields are not
 * serialized.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"page", "per_page", "count", "total_count", "total_pages", "cursor"})
public record ResultInfo(
    @JsonProperty("page") Integer page,
    @JsonProperty("per_page") Integer perPage,
    @JsonProperty("count") Integer count,
    @JsonProperty("total_count") Integer totalCount,
    @JsonProperty("total_pages") Integer totalPages,
    @JsonProperty("cursor") String cursor) {

  /**
   * The info of one page of a key listing (L7).
   *
   * @param count keys on this page
   * @param cursor the next cursor, {@code ""} on the last page as Miniflare sends it
   */
  public static ResultInfo forKeys(int count, String cursor) {
    return new ResultInfo(null, null, count, null, null, cursor == null ? "" : cursor);
  }

  /**
   * The info of one page of a paged listing (N5).
   *
   * @param page the 1-based page number
   * @param perPage the page size asked for
   * @param count items on this page
   * @param totalCount items on all pages
   */
  public static ResultInfo forPage(int page, int perPage, int count, int totalCount) {
    int totalPages = perPage <= 0 ? 0 : (int) ((totalCount + (long) perPage - 1) / perPage);
    return new ResultInfo(page, perPage, count, totalCount, totalPages, null);
  }
}
