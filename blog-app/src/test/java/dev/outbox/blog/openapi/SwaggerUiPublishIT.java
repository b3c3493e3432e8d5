package dev.outbox.blog.openapi;

import dev.outbox.blog.support.Api;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A new user's first publish through Swagger UI in a real headless browser (Debian's chromium, as the relay's
 * StatusPageIT): Authorize with the api_token, try POST /blogs, see the 201, and the blog is the token's author's.
 * Without the browser the test reports itself skipped; .ci/run installs it.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SwaggerUiPublishIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TestHTTPResource("/q/swagger-ui/")
    URL swaggerUi;

    WebDriver browser;

    @BeforeAll
    static void needsABrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void publishesABlogThroughSwaggerUiWithABearerToken() {
        Api.Author author = Api.newAuthor();
        browser = headlessChromium();
        browser.get(swaggerUi.toString());

        click(By.cssSelector(".auth-wrapper button.authorize"));
        type(By.cssSelector(".modal-ux input[aria-label='auth-bearer-value']"), author.token());
        click(By.cssSelector(".modal-ux .auth-btn-wrapper button.authorize"));
        click(By.cssSelector(".modal-ux .auth-btn-wrapper .btn-done"));

        String publish = "//div[contains(@class,'opblock-post')]"
                + "[.//*[contains(@class,'opblock-summary-path')][@data-path='/blogs']]";
        click(By.xpath(publish + "//*[contains(@class,'opblock-summary-control')]"));
        click(By.xpath(publish + "//button[contains(@class,'try-out__btn')]"));
        type(By.xpath(publish + "//textarea[contains(@class,'body-param__text')]"),
                "{\"title\":\"Published from Swagger UI\",\"body\":\"With a bearer token.\",\"tags\":[\"openapi\"]}");
        click(By.xpath(publish + "//button[contains(@class,'execute')]"));

        String status = await("Swagger UI shows the response").atMost(DEADLINE).ignoreExceptions()
                .until(() -> browser.findElement(By.xpath(publish
                        + "//table[contains(@class,'live-responses-table')]/tbody//td[contains(@class,'response-col_status')]"))
                        .getText(), text -> !text.isBlank());
        assertThat(status.lines().findFirst()).hasValue("201");
        RestAssured.get("/users/" + author.id() + "/blogs").then().statusCode(200)
                .body("items[0].title", equalTo("Published from Swagger UI"));
    }

    /** Clicks the element once it is shown and enabled; Swagger UI renders in steps, so it may not be there yet. */
    private void click(By element) {
        await("click " + element).atMost(DEADLINE).ignoreExceptions().until(() -> {
            WebElement found = browser.findElement(element);
            if (!found.isDisplayed() || !found.isEnabled()) {
                return false;
            }
            found.click();
            return true;
        });
    }

    private void type(By element, String text) {
        await("type into " + element).atMost(DEADLINE).ignoreExceptions().until(() -> {
            WebElement found = browser.findElement(element);
            if (!found.isDisplayed()) {
                return false;
            }
            found.clear();
            found.sendKeys(text);
            return text.equals(found.getDomProperty("value"));
        });
    }

    private static WebDriver headlessChromium() {
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                // Root in a container: no sandbox; a small /dev/shm: use /tmp.
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(driver, options);
    }
}
