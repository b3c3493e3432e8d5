package dev.outbox.embedded.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrivilegeDropTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(PrivilegeDrop.PROPERTY);
    }

    @Test
    void propertyForcesTheSetprivRoute() {
        System.setProperty(PrivilegeDrop.PROPERTY, "setpriv");

        assertEquals(PrivilegeDrop.SETPRIV_NOBODY, PrivilegeDrop.forThisProcess());
    }

    @Test
    void propertyForcesTheUserNamespaceRoute() {
        System.setProperty(PrivilegeDrop.PROPERTY, " UserNS ");

        assertEquals(PrivilegeDrop.USER_NAMESPACE, PrivilegeDrop.forThisProcess());
    }

    @Test
    void withoutThePropertyAnOrdinaryUserRunsPostgresDirectly() {
        PrivilegeDrop detected = PrivilegeDrop.forThisProcess();

        assertEquals(PrivilegeDrop.runningAsRoot(), detected != PrivilegeDrop.NONE);
    }

    @Test
    void rejectsAnUnknownRoute() {
        System.setProperty(PrivilegeDrop.PROPERTY, "sudo");

        assertThrows(IllegalArgumentException.class, PrivilegeDrop::forThisProcess);
    }
}
